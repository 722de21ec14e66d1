// `npm run build:types` (after tsc and cem): writes the JSX typings of <image-chat> for React 19 and Vue 3 into
// dist/types/, from dist/custom-elements.json — so that they list exactly the attributes and events the element's
// JSDoc documents. Types come from the class itself (`ImageChat['room']`) and from the event map the element
// declares (`GlobalEventHandlersEventMap['image-chat-change']`), so nothing here can drift from the code.
import { readFileSync, writeFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('dist/custom-elements.json', 'utf8'));
const element = manifest.modules.flatMap((module) => module.declarations ?? []).find((declaration) => declaration.tagName === 'image-chat');
if (!element) throw new Error('dist/custom-elements.json has no <image-chat>: run `cem analyze` first');

const HEADER = '// Written by scripts/framework-types.mjs from custom-elements.json (npm run build:types): do not edit.\n';
const comment = (text, indent = '  ') => (text ? `${indent}/** ${text.replace(/\*\//g, '*\\/').replace(/\n/g, `\n${indent} * `)} */\n` : '');
const camel = (name) => name.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());

// Every attribute is also a property of the same name (Lit's `@property`): React 19 and Vue set the property.
const properties = element.attributes.map((attribute) => {
  if (!attribute.fieldName) throw new Error(`attribute ${attribute.name} has no property`);
  return { name: attribute.fieldName, description: attribute.description };
});
const events = element.events.map((event) => ({ name: event.name, description: event.description }));

const props = properties.map((p) => `${comment(p.description)}  ${p.name}?: ImageChat['${p.name}'];\n`).join('');
const eventType = (name) => `(event: GlobalEventHandlersEventMap['${name}']) => void`;

const react = `${HEADER}import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { ImageChat } from './src/image-chat.js';

/**
 * \`<image-chat>\` in React 19 JSX: its properties (React 19 sets a custom element's properties) and its events as
 * \`on<event-name>\` props (React 19 listens to those on custom elements). Import \`image-chat\` once to register it.
 */
export interface ImageChatJsxProps extends DetailedHTMLProps<HTMLAttributes<ImageChat>, ImageChat> {
${props}${events.map((e) => `${comment(e.description)}  'on${e.name}'?: ${eventType(e.name)};\n`).join('')}}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'image-chat': ImageChatJsxProps;
    }
  }
}
`;

const vue = `${HEADER}import type { DefineComponent } from 'vue';
import type { ImageChat } from './src/image-chat.js';

/**
 * \`<image-chat>\` in Vue 3 templates: bind its properties (\`:room\`, \`:token\`, …) and listen to its events
 * (\`@image-chat-change\`). Vue must be told it is a custom element (\`compilerOptions.isCustomElement\`).
 */
export interface ImageChatVueProps {
${props}${events.map((e) => `${comment(e.description)}  on${camel(e.name[0].toUpperCase() + e.name.slice(1))}?: ${eventType(e.name)};\n`).join('')}}

declare module 'vue' {
  interface GlobalComponents {
    'image-chat': DefineComponent<ImageChatVueProps>;
  }
}
`;

writeFileSync('dist/types/react.d.ts', react);
writeFileSync('dist/types/vue.d.ts', vue);
// `import 'image-chat/react'` (or `/vue`) at run time registers the element, like `import 'image-chat'`.
for (const name of ['react', 'vue']) writeFileSync(`dist/${name}.js`, `${HEADER}import './image-chat.js';\n`);
console.log(`dist/types/react.d.ts, dist/types/vue.d.ts: ${properties.length} properties, ${events.length} events`);
