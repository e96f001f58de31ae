/** The app secret and verify token the webhook benchmark's receivers and its load generator share. */
export const WEBHOOK_APP_SECRET = 'bench-app-secret-0123456789abcdef';
export const WEBHOOK_VERIFY_TOKEN = 'bench-verify-token';
