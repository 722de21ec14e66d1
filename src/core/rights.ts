/** SPEC §2 rights, as the UI needs them: only offer what the server would allow. */
import type { User } from '../../protocol/index.js';

/**
 * A marker's or comment's author may edit, move or delete it; a moderator may do so to anything. (Resolving is anyone's
 * who may write: no check needed.)
 */
export function mayModify(user: User | null, author: User): boolean {
  return !!user && (user.role === 'moderator' || (user.id !== '' && user.id === author.id));
}
