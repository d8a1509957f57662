// A direct message to a Discord user over REST: open the DM channel, then post. A user who cannot be
// messaged (DMs closed, account gone) is answered 'undeliverable', since retrying cannot help.
import { DiscordAPIError, type REST } from '@discordjs/rest';
import { type APIChannel, type RESTPostAPIChannelMessageJSONBody, Routes } from 'discord-api-types/v10';

/** Discord's "Cannot send messages to this user" and "Unknown User". */
const UNDELIVERABLE_CODES = new Set([50007, 10013]);

export async function sendDirectMessage(
  rest: REST,
  userId: string,
  body: RESTPostAPIChannelMessageJSONBody,
): Promise<'sent' | 'undeliverable'> {
  try {
    const channel = (await rest.post(Routes.userChannels(), {
      body: { recipient_id: userId },
    })) as APIChannel;
    await rest.post(Routes.channelMessages(channel.id), { body });
    return 'sent';
  } catch (err) {
    if (err instanceof DiscordAPIError && UNDELIVERABLE_CODES.has(Number(err.code))) return 'undeliverable';
    throw err;
  }
}
