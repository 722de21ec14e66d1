// Each marked line must fail to compile with the error it names.
import type { GlobalComponents } from 'vue';
import 'image-chat/vue';

type ImageChatProps = InstanceType<GlobalComponents['image-chat']>['$props'];
export const notABoolean: ImageChatProps = { readonly: 'yes' }; // error TS2322
export const noSuchDetail: ImageChatProps = { onImageChatChange: (event) => event.detail.nope }; // error TS2339
