/**
 * Settings of the local stack read from the environment: the IMAP pickup's, through the composition root
 * (shared/composition/local-imap.ts: the same INTAKE_IMAP_* variables and defaults as the imap-pickup function).
 */
export { imapConfigFromEnv, imapIntervalSeconds } from '../shared/composition/local-imap.ts';
