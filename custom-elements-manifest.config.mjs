// `npm run build:manifest` (cem analyze): dist/custom-elements.json, the element's API for editors, linters and
// documentation tools, read from the class's JSDoc (src/image-chat.component.ts) and its registration.
export default {
  globs: ['src/image-chat.ts', 'src/image-chat.component.ts'],
  outdir: 'dist',
  litelement: true,
};
