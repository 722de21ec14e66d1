/**
 * A rollup plugin that shrinks the static text of Lit's `css` and `html` tagged templates in our own modules (terser
 * leaves template strings alone): CSS loses comments and most whitespace; HTML keeps at most one space wherever it
 * had whitespace (one space renders as any run of them; the element has no <pre>, and textareas are bound by
 * `.value`). Interpolations (`${…}`) are untouched. Found with rollup's parser, not a regular expression.
 */
function minifyCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,>]) ?/g, '$1')
    .replace(/: /g, ':')
    .replace(/;}/g, '}');
}

const minifyHtml = (text) => text.replace(/\s+/g, ' ');

/** Every node of an ESTree AST. */
function* walk(node) {
  if (!node || typeof node.type !== 'string') return;
  yield node;
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) yield* walk(child);
    else if (value && typeof value === 'object' && typeof value.type === 'string') yield* walk(value);
  }
}

/** @param {{ include: RegExp }} options which module ids to process (ours, not dependencies). */
export function minifyTemplates({ include }) {
  return {
    name: 'minify-templates',
    transform(code, id) {
      if (!include.test(id) || !/\b(css|html)`/.test(code)) return null;
      const edits = [];
      for (const node of walk(this.parse(code))) {
        if (node.type !== 'TaggedTemplateExpression' || node.tag.type !== 'Identifier') continue;
        const minify = node.tag.name === 'css' ? minifyCss : node.tag.name === 'html' ? minifyHtml : null;
        if (!minify) continue;
        for (const quasi of node.quasi.quasis) edits.push({ start: quasi.start, end: quasi.end, text: minify(code.slice(quasi.start, quasi.end)) });
      }
      if (edits.length === 0) return null;
      let out = code;
      for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
      return { code: out, map: null };
    },
  };
}
