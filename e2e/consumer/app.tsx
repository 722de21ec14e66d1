// A React 19 consumer: <image-chat> in JSX with typed props and event handlers, and the element's DOM API.
import { useRef, useState } from 'react';
import 'image-chat/react';
import type { ChangeDetail, ConnectionState, ErrorDetail, ImageChat } from 'image-chat';

export function Review({ token }: { token?: string }) {
  const chat = useRef<ImageChat>(null);
  const [last, setLast] = useState<ChangeDetail | null>(null);
  const [state, setState] = useState<ConnectionState>('connecting');
  const [error, setError] = useState<ErrorDetail | null>(null);
  return (
    <image-chat
      ref={chat}
      src="/mockups/home-v3.png"
      alt="Home page mockup"
      room="home-v3"
      server="https://chat.example.com"
      tenant="acme"
      token={token}
      locale="pt-BR"
      readonly={false}
      transport="sse"
      className="chat"
      onimage-chat-change={(event) => setLast(event.detail)}
      onimage-chat-connection={(event) => setState(event.detail.state)}
      onimage-chat-error={(event) => setError(event.detail)}
    >
      <img src="/mockups/home-v3.png" alt="Home page mockup" />
      {last?.kind} {state} {error?.code}
    </image-chat>
  );
}

// The element through the DOM: HTMLElementTagNameMap and the event maps know it.
const element = document.createElement('image-chat');
element.room = 'checkout';
element.readonly = true;
element.addEventListener('image-chat-change', (event) => {
  const origin: 'local' | 'tab' | 'remote' = event.detail.origin;
  console.log(event.detail.kind, event.detail.markerId, origin);
});
document.querySelector('image-chat')?.addEventListener('image-chat-error', (event) => console.log(event.detail.action));
document.addEventListener('image-chat-connection', (event) => console.log(event.detail.transport));
