/**
 * The emoji the composer's picker offers: a curated set of about 320, in categories, each with
 * an English name to search by. Bundled with the package (the picker works offline) and loaded
 * only when the picker first opens (`import()`), so it stays out of the main chunk.
 *
 * Written compactly: per category one string of `<emoji> <name>` entries joined by `|`.
 */

/** One emoji and the words it is found by. */
export interface Emoji {
  char: string;
  name: string;
}

export interface EmojiCategory {
  /** Stable id; its label lives in the composer's i18n catalogue (`categories[id]`). */
  id: string;
  emoji: Emoji[];
}

const RAW: [id: string, list: string][] = [
  [
    'smileys',
    '😀 grinning face|😄 grinning face with smiling eyes|😆 laughing|😅 grinning face with sweat|🤣 rolling on the floor laughing|😂 face with tears of joy|🙂 slightly smiling face|🙃 upside down face|😉 winking face|😊 smiling face with smiling eyes|😇 smiling face with halo|🥰 smiling face with hearts|😍 heart eyes|🤩 star struck|😘 face blowing a kiss|😋 yum delicious|😜 winking face with tongue|🤪 zany face|🤑 money mouth face|🤗 hugging face|🤭 hand over mouth|🤫 shushing face|🤔 thinking face|🤨 raised eyebrow|😐 neutral face|😏 smirking face|🙄 rolling eyes|😬 grimacing face|😌 relieved face|😔 pensive face|😴 sleeping face|😷 face with medical mask|🤢 nauseated face|🥴 woozy face|😵 dizzy face|🤯 exploding head mind blown|🥳 partying face|😎 cool face with sunglasses|🤓 nerd face|😕 confused face|😟 worried face|😮 surprised face with open mouth|😳 flushed face|🥺 pleading face|😰 anxious face with sweat|😢 crying face|😭 loudly crying face|😱 screaming in fear|😩 weary face|🥱 yawning face|😤 face with steam from nose|😡 pouting angry face|🤬 cursing face|😈 smiling face with horns devil|💀 skull|👻 ghost|👽 alien|🤖 robot|😻 cat with heart eyes|🙈 see no evil monkey',
  ],
  [
    'people',
    '👋 waving hand hello bye|✋ raised hand high five|👌 ok hand|✌️ victory hand peace|🤞 crossed fingers luck|🤘 sign of the horns rock|👈 backhand pointing left|👉 backhand pointing right|👆 backhand pointing up|👇 backhand pointing down|☝️ index pointing up|👍 thumbs up like yes|👎 thumbs down dislike no|✊ raised fist|👊 oncoming fist punch|👏 clapping hands applause|🙌 raising hands hooray|🤝 handshake deal|🙏 folded hands please thanks pray|✍️ writing hand|💪 flexed biceps strong|🧠 brain|👀 eyes look|👶 baby|🧒 child|🧑 person|👨 man|👩 woman|👮 police officer|👷 construction worker|🧑‍⚕️ health worker doctor|🧑‍🍳 cook chef|🧑‍🎓 student|🧑‍💻 technologist developer|🧑‍🚀 astronaut|🦸 superhero|🧙 mage wizard|🤷 person shrugging|🤦 person facepalming|🙋 person raising hand|🙆 person gesturing ok|🙅 person gesturing no|🙇 person bowing sorry|🏃 person running|💃 woman dancing|🕺 man dancing',
  ],
  [
    'nature',
    '🐶 dog face puppy|🐱 cat face kitten|🐰 rabbit face bunny|🦊 fox|🐻 bear|🐼 panda|🐨 koala|🦁 lion|🐷 pig face|🐸 frog|🐔 chicken|🐧 penguin|🦆 duck|🦉 owl|🦄 unicorn|🐝 honeybee|🦋 butterfly|🐢 turtle|🐍 snake|🐙 octopus|🐠 tropical fish|🐬 dolphin|🦈 shark|🐘 elephant|🌵 cactus|🌲 evergreen tree|🌴 palm tree|🌱 seedling|🍀 four leaf clover luck|🍂 fallen leaf autumn|🌹 rose|🌻 sunflower|🌸 cherry blossom|💐 bouquet flowers|🌙 crescent moon|⭐ star|🌟 glowing star|✨ sparkles|⚡ high voltage lightning|🔥 fire hot lit|🌈 rainbow|☀️ sun sunny|🌧️ cloud with rain|⛄ snowman|❄️ snowflake|🌊 water wave',
  ],
  [
    'food',
    '🍎 red apple|🍊 tangerine orange|🍋 lemon|🍌 banana|🍉 watermelon|🍇 grapes|🍓 strawberry|🍑 peach|🍍 pineapple|🍅 tomato|🥑 avocado|🥦 broccoli|🥕 carrot|🌶️ hot pepper chili|🍞 bread|🧀 cheese|🥚 egg|🍳 cooking fried egg|🥞 pancakes|🍔 hamburger burger|🍟 french fries|🍕 pizza|🌮 taco|🍝 spaghetti pasta|🍜 steaming bowl noodles ramen|🍛 curry rice|🍣 sushi|🍱 bento box|🥟 dumpling|🥮 moon cake|🍩 doughnut|🍪 cookie|🎂 birthday cake|🧁 cupcake|🍫 chocolate bar|🍭 lollipop|☕ hot beverage coffee|🍵 teacup tea|🧋 bubble tea|🥤 cup with straw|🍺 beer mug|🍻 clinking beer mugs cheers|🥂 clinking glasses toast|🍷 wine glass|🥢 chopsticks|🍴 fork and knife',
  ],
  [
    'activities',
    '⚽ soccer ball football|🏀 basketball|🎾 tennis|🏓 ping pong table tennis|🏸 badminton|🏊 person swimming|🚴 person biking|🧘 person in lotus position yoga|🏆 trophy winner|🥇 first place medal gold|🎯 direct hit bullseye|🎮 video game|🎲 game die|🧩 puzzle piece|🎨 artist palette|🎬 clapper board movie|🎤 microphone karaoke|🎧 headphone music|🎸 guitar|🎹 musical keyboard piano|🎉 party popper tada|🎊 confetti ball|🎈 balloon|🎁 wrapped gift present|🧧 red envelope|🎆 fireworks|🎃 jack o lantern halloween|🎄 christmas tree|🚗 automobile car|🚌 bus|🚲 bicycle|🚆 train|✈️ airplane flight|🚀 rocket|🚢 ship|🧭 compass|🏔️ snow capped mountain|🏖️ beach with umbrella|🏠 house home|🏢 office building|🏫 school|⛺ tent camping|🌃 night with stars|🎡 ferris wheel',
  ],
  [
    'objects',
    '📱 mobile phone|💻 laptop|⌨️ keyboard|🖥️ desktop computer|📷 camera|📺 television|📞 telephone receiver|💡 light bulb idea|💰 money bag|💳 credit card|💎 gem stone diamond|🔨 hammer|⚙️ gear settings|🔑 key|🔒 locked|🔓 unlocked|🛒 shopping cart|👓 glasses|👕 t shirt|👑 crown|💍 ring|☂️ umbrella|✏️ pencil|📝 memo note|📎 paperclip attachment|📌 pushpin|📅 calendar date|📈 chart increasing|📊 bar chart|📋 clipboard|📁 file folder|📦 package box|✉️ envelope mail|📣 megaphone|🔔 bell notification|⏰ alarm clock|⏳ hourglass|🔍 magnifying glass search|💊 pill|🧸 teddy bear',
  ],
  [
    'symbols',
    '❤️ red heart love|🧡 orange heart|💛 yellow heart|💚 green heart|💙 blue heart|💜 purple heart|🖤 black heart|🤍 white heart|💔 broken heart|💕 two hearts|💖 sparkling heart|💯 hundred points|💥 collision boom|💫 dizzy|💤 zzz sleep|💬 speech balloon|✅ check mark button done|✔️ check mark|❌ cross mark|❓ question mark|❗ exclamation mark|⚠️ warning|🚫 prohibited|⭕ hollow red circle|🔴 red circle|🟢 green circle|➕ plus|➖ minus|🔁 repeat|🔄 counterclockwise arrows refresh|➡️ right arrow|⬅️ left arrow|⬆️ up arrow|⬇️ down arrow|🆗 ok button|🆕 new button|🆘 sos button|♻️ recycling symbol|🎵 musical note|©️ copyright',
  ],
];

/** Every category with its emoji, in display order. */
export const categories: EmojiCategory[] = RAW.map(([id, list]) => ({
  id,
  emoji: list.split('|').map((entry) => {
    const space = entry.indexOf(' ');
    return { char: entry.slice(0, space), name: entry.slice(space + 1) };
  }),
}));
