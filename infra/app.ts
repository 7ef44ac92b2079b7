/** CDK entry point (`cdk.json` runs it with tsx): reads the context and synthesizes both stacks. */
import { App } from 'aws-cdk-lib';
import { readDeploymentConfig } from './config.ts';
import { defineIntakeApp } from './intake-app.ts';

const app = new App();
defineIntakeApp(app, readDeploymentConfig(app.node));
app.synth();
