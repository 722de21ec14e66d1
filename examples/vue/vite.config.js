import vue from '@vitejs/plugin-vue';

export default {
  // Tell Vue that <image-chat> is a custom element, not a Vue component to resolve.
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'image-chat' } } })],
};
