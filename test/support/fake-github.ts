/**
 * A small stand-in for the GitHub REST API on 127.0.0.1, enough for the real Octokit client:
 * list (paginated, with Link headers), create, update and delete issue comments, and create
 * check runs. It checks the token and GitHub's 65,536-character body limit like GitHub does.
 * For the apply workflow it also answers, from the pull requests and workflow runs a test adds,
 * the pull requests of a commit, one pull request, and a workflow's runs filtered by head commit
 * and status.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stored issue comment. */
export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  issue: string;
}

/** A recorded request: method and path (with query). */
export interface FakeRequest {
  method: string;
  url: string;
}

/** A pull request: its last commit, and the commit that merged it (if merged). */
export interface FakePull {
  number: number;
  headSha: string;
  mergeCommitSha?: string;
}

/** A workflow run, by workflow file name. */
export interface FakeWorkflowRun {
  id: number;
  workflow: string;
  headSha: string;
  conclusion: 'success' | 'failure';
}

/** The running fake and what it holds. */
export interface FakeGitHub {
  baseUrl: string;
  requests: FakeRequest[];
  checkRuns: Array<Record<string, unknown>>;
  /** Pull requests and workflow runs of every repository (tests add to them). */
  pulls: FakePull[];
  workflowRuns: FakeWorkflowRun[];
  /** Comments of one pull request, oldest first. */
  comments(owner: string, repo: string, number: number): FakeComment[];
  /** Adds a comment as if someone had posted it. */
  seedComment(owner: string, repo: string, number: number, body: string, login?: string): FakeComment;
  close(): Promise<void>;
}

const BODY_LIMIT = 65_536;

/** Starts the fake; `token` is the only accepted credential, `maxPerPage` forces small pages. */
export async function startFakeGitHub(options: { token: string; maxPerPage?: number }): Promise<FakeGitHub> {
  const comments: FakeComment[] = [];
  const requests: FakeRequest[] = [];
  const checkRuns: Array<Record<string, unknown>> = [];
  const pulls: FakePull[] = [];
  const workflowRuns: FakeWorkflowRun[] = [];
  let nextId = 1000;
  let baseUrl = '';
  const add = (issue: string, body: string, login = 'github-actions[bot]'): FakeComment => {
    const comment = { id: nextId++, body, user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' }, issue };
    comments.push(comment);
    return comment;
  };
  const toJson = (c: FakeComment) => ({
    id: c.id,
    body: c.body,
    user: c.user,
    html_url: `https://github.example/${c.issue}#issuecomment-${c.id}`,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', baseUrl);
    requests.push({ method: req.method ?? 'GET', url: url.pathname + url.search });
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`)
      return send(res, 401, { message: 'Bad credentials' });
    const payload = await readJson(req);
    let m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (m) {
      const issue = `${m[1]}/${m[2]}/pull/${m[3]}`;
      if (req.method === 'GET')
        return listPage(res, url, comments.filter((c) => c.issue === issue).map(toJson), options.maxPerPage ?? 100);
      if (req.method === 'POST') {
        if (!validBody(res, payload)) return;
        return send(res, 201, toJson(add(issue, payload.body as string)));
      }
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (m) {
      const index = comments.findIndex((c) => c.id === Number(m![3]) && c.issue.startsWith(`${m![1]}/${m![2]}/`));
      if (index < 0) return send(res, 404, { message: 'Not Found' });
      if (req.method === 'PATCH') {
        if (!validBody(res, payload)) return;
        comments[index].body = payload.body as string;
        return send(res, 200, toJson(comments[index]));
      }
      if (req.method === 'DELETE') {
        comments.splice(index, 1);
        return send(res, 204, undefined);
      }
    }
    const pullJson = (p: FakePull) => ({
      number: p.number,
      head: { sha: p.headSha },
      merged_at: p.mergeCommitSha ? '2026-12-01T12:00:00Z' : null,
      merge_commit_sha: p.mergeCommitSha ?? null,
    });
    m = /^\/repos\/[^/]+\/[^/]+\/commits\/(\w+)\/pulls$/.exec(url.pathname);
    if (m && req.method === 'GET')
      return send(res, 200, pulls.filter((p) => p.mergeCommitSha === m![1] || p.headSha === m![1]).map(pullJson));
    m = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/.exec(url.pathname);
    if (m && req.method === 'GET') {
      const pull = pulls.find((p) => p.number === Number(m![1]));
      return pull ? send(res, 200, pullJson(pull)) : send(res, 404, { message: 'Not Found' });
    }
    m = /^\/repos\/[^/]+\/[^/]+\/actions\/workflows\/([^/]+)\/runs$/.exec(url.pathname);
    if (m && req.method === 'GET') {
      const { head_sha: head, status } = Object.fromEntries(url.searchParams);
      const runs = workflowRuns
        .filter((r) => r.workflow === m![1] && (!head || r.headSha === head) && (!status || r.conclusion === status))
        .sort((a, b) => b.id - a.id)
        .map((r) => ({ id: r.id, head_sha: r.headSha, conclusion: r.conclusion }));
      return send(res, 200, {
        total_count: runs.length,
        workflow_runs: runs.slice(0, Number(url.searchParams.get('per_page') ?? 30)),
      });
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/.exec(url.pathname);
    if (m && req.method === 'POST') {
      const run = {
        id: checkRuns.length + 1,
        ...payload,
        html_url: `https://github.example/${m[1]}/${m[2]}/runs/${checkRuns.length + 1}`,
      };
      checkRuns.push(run);
      return send(res, 201, run);
    }
    send(res, 404, { message: 'Not Found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { message: String(err) }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    requests,
    checkRuns,
    pulls,
    workflowRuns,
    comments: (owner, repo, number) => comments.filter((c) => c.issue === `${owner}/${repo}/pull/${number}`),
    seedComment: (owner, repo, number, body, login) => add(`${owner}/${repo}/pull/${number}`, body, login),
    close: () => new Promise((done) => server.close(() => done())),
  };
}

function listPage(res: ServerResponse, url: URL, all: unknown[], maxPerPage: number) {
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), maxPerPage);
  const page = Number(url.searchParams.get('page') ?? 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const link = (p: number, rel: string) => {
    const next = new URL(url);
    next.searchParams.set('page', String(p));
    next.searchParams.set('per_page', String(perPage));
    return `<${next.href}>; rel="${rel}"`;
  };
  const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
  send(res, 200, all.slice((page - 1) * perPage, page * perPage), links.length ? { link: links.join(', ') } : {});
}

function validBody(res: ServerResponse, payload: Record<string, unknown>): boolean {
  const body = payload.body;
  if (typeof body !== 'string')
    return (send(res, 422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.' }), false);
  if ([...body].length > BODY_LIMIT) {
    send(res, 422, {
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'custom',
          field: 'body',
          message: `body is too long (maximum is ${BODY_LIMIT} characters)`,
        },
      ],
    });
    return false;
  }
  return true;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
