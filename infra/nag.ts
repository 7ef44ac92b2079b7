/**
 * cdk-nag v3 acknowledgements that must name each finding (`AwsSolutions-IAM5[Resource::...]`): the finding ids are
 * computed here the way cdk-nag computes them, from the resolved CloudFormation value, so they survive logical-id
 * changes and never acknowledge more than the resources listed.
 */
import { type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** The id cdk-nag gives a wildcard resource (`Resource::arn:...:bucket/inbox/*`) in a policy of `scope`'s stack. */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;
}

/** Acknowledges the IAM5 findings of exactly these wildcard resources, on `scope` and below. */
export function acknowledgeWildcardResources(scope: IConstruct, resources: string[], reason: string): void {
  for (const resource of resources) {
    Validations.of(scope).acknowledge({ id: wildcardResourceFinding(scope, resource), reason });
  }
}

/** Acknowledges the IAM4 finding of every AWS managed policy attached to a role we do not write (CDK internals). */
export function acknowledgeManagedPolicies(role: CfnRole, reason: string): void {
  const arns = Stack.of(role).resolve(role.managedPolicyArns) as unknown[] | undefined;
  for (const arn of arns ?? []) {
    Validations.of(role as CfnResource).acknowledge({
      id: `AwsSolutions-IAM4[Policy::${flattenCfnReference(arn)}]`,
      reason,
    });
  }
}
