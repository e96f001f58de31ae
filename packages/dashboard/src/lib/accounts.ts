/** The connected accounts (shared by the pages that pick one). */
import { type Account, api } from './api';

export async function loadAccounts(): Promise<Account[]> {
  return (await api<{ data: Account[] }>('GET', '/v1/accounts')).data;
}

export const accountLabel = (a: Account) => (a.username ? `@${a.username}` : a.id);
