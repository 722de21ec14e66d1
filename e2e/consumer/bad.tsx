// Each marked line must fail to compile with the error it names.
import 'image-chat/react';

export const notABoolean = <image-chat room="r" readonly="yes" />; // error TS2322
export const notATransport = <image-chat room="r" transport="carrier-pigeon" />; // error TS2322
export const noSuchDetail = <image-chat room="r" onimage-chat-change={(event) => event.detail.nope} />; // error TS2339
export const noSuchAttribute = <image-chat rooom="r" />; // error TS2322

document.createElement('image-chat').addEventListener('image-chat-error', (event) => event.detail.nope); // error TS2339
