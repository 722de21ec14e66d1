// The few Mocha globals the browser tests use (web-test-runner runs Mocha; @types/mocha is not installed).
declare function describe(title: string, body: () => void): void;
declare function it(title: string, body: () => void | Promise<unknown>): void;
declare function before(body: () => void | Promise<unknown>): void;
declare function after(body: () => void | Promise<unknown>): void;
declare function beforeEach(body: () => void | Promise<unknown>): void;
declare function afterEach(body: () => void | Promise<unknown>): void;
