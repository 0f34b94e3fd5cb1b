/**
 * The `user` of an event: a JSON object with `userID` and/or `customIDs` (at least one id),
 * either from one JSON column or built from id columns.
 */
import type { EventColumns } from '../config/types.js';
import type { Row } from '../connectors/types.js';
import { reject, type RowProblem } from './mapped-row.js';
import { jsonObject, scalarText, shown } from './row-values.js';

export type UserResult =
  { ok: true; user: string; userId: string | null; customIds: string | null } | { ok: false; problem: RowProblem };

function fromColumns(columns: EventColumns, row: Row): Record<string, unknown> {
  const user: Record<string, unknown> = {};
  if (columns.userID) user.userID = row[columns.userID] ?? null;
  if (columns.customIDs) {
    const ids: Record<string, unknown> = {};
    for (const [idType, column] of Object.entries(columns.customIDs)) ids[idType] = row[column] ?? null;
    user.customIDs = ids;
  }
  return user;
}

export function buildUser(columns: EventColumns, row: Row): UserResult {
  let user: Record<string, unknown>;
  if (columns.user) {
    const raw = row[columns.user] ?? null;
    if (raw === null || raw === '') return reject('user', 'missing', 'user is null or empty');
    const parsed = jsonObject(raw);
    if (typeof parsed === 'string') return reject('user', 'not_object', `user ${parsed} (${shown(raw)})`);
    user = { ...parsed };
  } else {
    user = fromColumns(columns, row);
  }
  const userId = user.userID === undefined ? null : scalarText(user.userID as never);
  if (userId === undefined)
    return reject('user', 'invalid_user_id', `user.userID must be a string, got ${shown(user.userID)}`);
  const customIds: Record<string, string> = {};
  if (user.customIDs !== undefined && user.customIDs !== null) {
    if (typeof user.customIDs !== 'object' || Array.isArray(user.customIDs)) {
      return reject(
        'user',
        'invalid_custom_ids',
        `user.customIDs must be an object of id type → id, got ${shown(user.customIDs)}`,
      );
    }
    for (const [idType, id] of Object.entries(user.customIDs as Record<string, unknown>)) {
      const text = id === null || id === undefined ? null : scalarText(id as never);
      if (text === undefined)
        return reject('user', 'invalid_custom_ids', `user.customIDs.${idType} must be a string, got ${shown(id)}`);
      if (text) customIds[idType] = text;
    }
  }
  const hasCustom = Object.keys(customIds).length > 0;
  if (!userId && !hasCustom) {
    return reject(
      'user',
      'no_id',
      `user has neither a userID nor a customIDs entry; one must be present (${shown(user)})`,
    );
  }
  if (userId) user.userID = userId;
  else delete user.userID;
  if (hasCustom) user.customIDs = customIds;
  else delete user.customIDs;
  let text: string;
  try {
    text = JSON.stringify(user);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return reject(
      'user',
      'too_deep',
      'user is nested too deeply to store as JSON (JSON.stringify ran out of stack); flatten it in the query',
    );
  }
  return { ok: true, user: text, userId: userId || null, customIds: hasCustom ? JSON.stringify(customIds) : null };
}
