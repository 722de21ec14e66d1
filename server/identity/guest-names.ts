import { randomInt } from 'node:crypto';

// Friendly, neutral animal names: "Guest Otter" reads better in a thread than a hash.
const ANIMALS = [
  'Otter', 'Heron', 'Badger', 'Lynx', 'Panda', 'Falcon', 'Koala', 'Marten', 'Puffin', 'Gecko', 'Bison', 'Crane',
  'Dolphin', 'Ferret', 'Ibis', 'Jackal', 'Lemur', 'Manatee', 'Narwhal', 'Ocelot', 'Pelican', 'Quokka', 'Raven',
  'Seal', 'Tapir', 'Walrus', 'Yak', 'Zebra', 'Beaver', 'Caracal', 'Dingo', 'Egret', 'Fox', 'Gazelle', 'Hedgehog',
  'Impala', 'Kestrel', 'Llama', 'Moose', 'Newt', 'Owl', 'Penguin', 'Robin', 'Sparrow', 'Tortoise', 'Vole', 'Wombat',
];

export function guestName(): string {
  return `Guest ${ANIMALS[randomInt(ANIMALS.length)]}`;
}
