/** `npm run docs:plan-example`: regenerates docs/plan-comment-example.md, the README's example plan comment. */
import { PLAN_COMMENT_EXAMPLE_FILE, writePlanCommentExample } from './plan-comment-example.js';

await writePlanCommentExample();
console.log(`wrote ${PLAN_COMMENT_EXAMPLE_FILE}`);
