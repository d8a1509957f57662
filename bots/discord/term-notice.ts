// Tells a Discord volunteer by direct message that a term from a listing they reported joined the library.
import type { REST } from '@discordjs/rest';
import type { TermAdoptedDelivery } from '../../workflows/terms/adoption-notices.ts';
import { sendDirectMessage } from './direct-message.ts';
import { discordTranslator, NO_MENTIONS } from './markup.ts';

export function discordTermAdoptedDelivery(rest: REST): TermAdoptedDelivery {
  return (m) =>
    sendDirectMessage(rest, m.volunteer.externalUserId, {
      content: discordTranslator(m.volunteer.language)('term_adopted', { term: m.term, url: m.listingUrl }),
      allowed_mentions: NO_MENTIONS,
    });
}
