import { useState } from 'react';
// Registers <image-chat> and brings its JSX typings (props and `on<event>` handlers, typed).
import 'image-chat/react';
import type { ChangeDetail } from 'image-chat';

// Your image-chat server (here `?server=…`, else the one `npm start` runs) and the user token your backend minted
// for this user (here `?token=…`; without one the demo tenant makes the visitor a guest).
const params = new URLSearchParams(location.search);
const server = params.get('server') ?? 'http://localhost:8080';
const token = params.get('token') ?? undefined;

const MOCKUPS = [
  { room: 'react-home', src: `${server}/images/dashboard-home.png`, alt: 'Dashboard home, version 3', label: 'Dashboard' },
  { room: 'react-checkout', src: `${server}/images/checkout-mobile.png`, alt: 'Checkout on a phone', label: 'Checkout' },
];

export function App() {
  const [mockup, setMockup] = useState(MOCKUPS[0]);
  const [changes, setChanges] = useState<ChangeDetail[]>([]);
  return (
    <main style={{ font: '16px/1.5 system-ui, sans-serif', maxWidth: 960, margin: '0 auto' }}>
      <h1>image-chat in React</h1>
      <nav aria-label="Mockups">
        {MOCKUPS.map((m) => (
          <button key={m.room} type="button" aria-pressed={m === mockup} onClick={() => setMockup(m)}>
            {m.label}
          </button>
        ))}
      </nav>
      {/* React 19 sets these as properties; a new `room` re-subscribes, a new `token` re-authenticates in place. */}
      <image-chat
        src={mockup.src}
        alt={mockup.alt}
        room={mockup.room}
        server={server}
        token={token}
        style={{ display: 'block' }}
        onimage-chat-change={(event) => setChanges((list) => [event.detail, ...list].slice(0, 20))}
      />
      <h2>Changes</h2>
      <ol aria-live="polite">
        {changes.map((change, i) => (
          <li key={`${change.markerId}-${changes.length - i}`}>
            {change.kind} {change.markerId} ({change.origin})
          </li>
        ))}
      </ol>
    </main>
  );
}
