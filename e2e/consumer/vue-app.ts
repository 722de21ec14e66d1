// A Vue 3 consumer, the script side of a component: the props and events Vue templates get for <image-chat>
// (GlobalComponents, what vue-tsc checks templates against), a template ref, and a typed event handler.
import { defineComponent, h, ref, type GlobalComponents } from 'vue';
import 'image-chat/vue';
import type { ChangeDetail, ImageChat } from 'image-chat';

type ImageChatProps = InstanceType<GlobalComponents['image-chat']>['$props'];

export default defineComponent({
  props: { token: { type: String, required: false } },
  setup(props) {
    const chat = ref<ImageChat | null>(null);
    const changes = ref<ChangeDetail[]>([]);
    const onChange = (event: CustomEvent<ChangeDetail>) => changes.value.push(event.detail);
    const bound: ImageChatProps = {
      room: 'home-v3',
      src: '/mockups/home-v3.png',
      token: props.token,
      readonly: false,
      transport: 'auto',
      onImageChatChange: onChange,
      onImageChatError: (event) => console.log(event.detail.code),
    };
    return () => h('image-chat', { ...bound, ref: chat });
  },
});
