// The page needs no build; Vite only copies it (and would bundle your own scripts, if it had any).
export default {};
