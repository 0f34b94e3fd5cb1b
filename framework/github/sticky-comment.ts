/**
 * One comment per pull request (and per project), updated in place on every push: Wharf finds
 * its earlier comment by the hidden marker, edits it, and removes duplicates a race may have
 * left; only when none exists does it create one. The body is cut to GitHub's size limit with
 * a pointer to the full plan.
 */
import type { PullRequestTarget } from './actions-env.js';
import { gitHubApiError } from './api-error.js';
import type { GitHubClient } from './client.js';
import { hasMarker, markerComment } from './marker.js';
import { COMMENT_LIMIT, fitToLimit } from './truncate.js';
import { truncationNotice, type FullPlanPointer } from './truncation-notice.js';

/** What to post and where. */
export interface StickyCommentRequest {
  client: GitHubClient;
  target: PullRequestTarget;
  /** The markdown to show (without the marker). */
  markdown: string;
  /** Marker key, e.g. `wharf-plan` or `wharf-plan:analytics`. */
  markerKey: string;
  /** Where the full plan is when the comment has to be cut short. */
  pointer?: FullPlanPointer;
}

/** What happened to the sticky comment. */
export interface StickyCommentResult {
  action: 'created' | 'updated' | 'unchanged';
  commentId: number;
  url: string;
  truncated: boolean;
  /** Length of the markdown before truncation, in characters. */
  originalLength: number;
  /** Earlier copies with the same marker that were deleted. */
  removedDuplicates: number[];
  target: PullRequestTarget;
}

interface ExistingComment {
  id: number;
  body?: string | null;
  html_url: string;
}

/** Creates or updates the marked comment on the pull request; returns what it did. */
export async function upsertStickyComment(request: StickyCommentRequest): Promise<StickyCommentResult> {
  const { client, target, markerKey } = request;
  const body = commentBody(request.markdown, markerKey, request.pointer ?? {});
  const existing = await findMarkedComments(client, target, markerComment(markerKey));
  const [keep, ...duplicates] = existing;
  const base = { truncated: body.truncated, originalLength: body.originalSize, target };
  const removedDuplicates = await deleteComments(client, target, duplicates);
  if (!keep) {
    const created = await call('creating the pull request comment', () =>
      client.rest.issues.createComment({
        owner: target.owner,
        repo: target.repo,
        issue_number: target.number,
        body: body.text,
      }),
    );
    return { ...base, action: 'created', commentId: created.data.id, url: created.data.html_url, removedDuplicates };
  }
  if (keep.body === body.text)
    return { ...base, action: 'unchanged', commentId: keep.id, url: keep.html_url, removedDuplicates };
  const updated = await call('updating the pull request comment', () =>
    client.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: keep.id, body: body.text }),
  );
  return { ...base, action: 'updated', commentId: updated.data.id, url: updated.data.html_url, removedDuplicates };
}

/** The full comment text: marker first, then the markdown cut to the comment limit. */
export function commentBody(markdown: string, markerKey: string, pointer: FullPlanPointer) {
  const marker = markerComment(markerKey);
  const limit = COMMENT_LIMIT - marker.length - 1;
  const fitted = fitToLimit(markdown.trimEnd(), limit, (size) =>
    truncationNotice(pointer, size, { limit: COMMENT_LIMIT, where: 'comment' }),
  );
  return { ...fitted, text: `${marker}\n${fitted.text}` };
}

/** Every comment of the pull request carrying the marker, oldest first (all pages). */
export async function findMarkedComments(
  client: GitHubClient,
  target: PullRequestTarget,
  marker: string,
): Promise<ExistingComment[]> {
  return call('reading the pull request comments', async () => {
    const found: ExistingComment[] = [];
    const pages = client.paginate.iterator(client.rest.issues.listComments, {
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      per_page: 100,
    });
    for await (const page of pages) {
      for (const comment of page.data) if (hasMarker(comment.body, marker)) found.push(comment);
    }
    return found;
  });
}

async function deleteComments(
  client: GitHubClient,
  target: PullRequestTarget,
  comments: ExistingComment[],
): Promise<number[]> {
  for (const comment of comments) {
    await call('removing a duplicate plan comment', () =>
      client.rest.issues.deleteComment({ owner: target.owner, repo: target.repo, comment_id: comment.id }),
    );
  }
  return comments.map((c) => c.id);
}

async function call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw gitHubApiError(err, doing);
  }
}
