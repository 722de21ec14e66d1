// React without a plugin: Vite's esbuild compiles the TSX with React 19's automatic JSX runtime.
// (Add @vitejs/plugin-react for Fast Refresh in development.)
export default {
  esbuild: { jsx: 'automatic' },
};
