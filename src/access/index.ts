export {
  createAccount,
  ensureAdmin,
  resetPassword,
  signIn,
  signOut,
  resolveSession,
  changePassword,
  type RequestContext,
} from './access.service.js';
export { can, permissionsOf, Permission, ROLES } from './permissions.js';
export type { SessionWithAccount, Account } from './access.store.js';
