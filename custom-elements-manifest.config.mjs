// `npm run build:manifest` (cem analyze): dist/custom-elements.json, the element's API for editors, linters and
// documentation tools, read from the class's JSDoc (src/image-chat.component.ts) and its registration.

/**
 * Lit's internal reactive state (`static properties = { x: { state: true } }`) is the element's own business: the
 * analyzer lists it as public fields with attributes, so mark those private (TypeScript already declares them
 * `private`) and drop the attributes (Lit makes none for state).
 */
function litStateIsPrivate() {
  const state = new Set();
  return {
    name: 'lit-state-is-private',
    analyzePhase({ ts, node }) {
      if (!ts.isPropertyDeclaration(node) || node.name?.getText() !== 'properties') return;
      if (!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) return;
      if (!node.initializer || !ts.isObjectLiteralExpression(node.initializer)) return;
      for (const property of node.initializer.properties) {
        if (!ts.isPropertyAssignment(property) || !ts.isObjectLiteralExpression(property.initializer)) continue;
        const isState = property.initializer.properties.some(
          (option) => ts.isPropertyAssignment(option) && option.name.getText() === 'state' && option.initializer.kind === ts.SyntaxKind.TrueKeyword,
        );
        if (isState) state.add(property.name.getText());
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          for (const member of declaration.members ?? []) {
            if (!state.has(member.name)) continue;
            member.privacy = 'private';
            delete member.attribute;
          }
          if (declaration.attributes) declaration.attributes = declaration.attributes.filter((a) => !state.has(a.fieldName ?? a.name));
        }
      }
    },
  };
}

export default {
  globs: ['src/image-chat.ts', 'src/image-chat.component.ts'],
  outdir: 'dist',
  litelement: true,
  plugins: [litStateIsPrivate()],
};
