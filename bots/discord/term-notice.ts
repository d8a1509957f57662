// Tells a Discord volunteer by direct message that a term from a listing they reported joined the library.
import { DiscordAPIError, type REST } from '@discordjs/rest';
import { type APIChannel, Routes } from 'discord-api-types/v10';
import type { TermAdoptedDelivery } from '../../workflows/terms/adoption-notices.ts';
import { discordTranslator, NO_MENTIONS } from './markup.ts';

/** Discord's "Cannot send messages to this user" and "Unknown User": retrying cannot help. */
const UNDELIVERABLE_CODES = new Set([50007, 10013]);

export function discordTermAdoptedDelivery(rest: REST): TermAdoptedDelivery {
  return async (m) => {
    const t = discordTranslator(m.volunteer.language);
    try {
      const channel = (await rest.post(Routes.userChannels(), {
        body: { recipient_id: m.volunteer.externalUserId },
      })) as APIChannel;
      await rest.post(Routes.channelMessages(channel.id), {
        body: {
          content: t('term_adopted', { term: m.term, url: m.listingUrl }),
          allowed_mentions: NO_MENTIONS,
        },
      });
      return 'sent';
    } catch (err) {
      if (err instanceof DiscordAPIError && UNDELIVERABLE_CODES.has(Number(err.code))) return 'undeliverable';
      throw err;
    }
  };
}
