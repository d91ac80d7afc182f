/**
 * Names Session Manager fixes for every account, in a module of their own so that a rule that only
 * needs a name does not load (and build at start) the schemas of the modules that use it.
 */

/**
 * The document Session Manager reads its account-and-region preferences from.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-default-session-document.html
 */
export const SESSION_PREFERENCES_DOCUMENT_NAME = 'SSM-SessionManagerRunShell';
