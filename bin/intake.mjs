#!/usr/bin/env node
// The staff CLI entry point. The sources are TypeScript; tsx's loader runs them without a build step.
import { register } from 'tsx/esm/api';

// The SDK's notice that it will need Node 22 from 2027 would print on every command; the README says it once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
// `intake status | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../cli/main.ts');
await main(process.argv);
