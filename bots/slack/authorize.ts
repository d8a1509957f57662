// Who the bot is, for Bolt's authorize hook. Given a token, Bolt calls auth.test in App's constructor and
// leaves the promise unobserved until the first event: with the Slack Web API unreachable at start, its
// WebAPIRequestError was an unhandled rejection that ended the process, and the rejected promise stayed
// cached, so every later event failed as well. Here auth.test runs on the first event instead; a success
// is kept, a failure is forgotten (the next event retries) and surfaces inside Bolt's event processing,
// which logs it and answers Slack.
import type { Authorize, AuthorizeResult, webApi } from '@slack/bolt';

export function botAuthorization(client: webApi.WebClient, token: string): Authorize<boolean> {
  let identity: Promise<AuthorizeResult> | undefined;
  return async () => {
    identity ??= client.auth.test({ token }).then(
      (r): AuthorizeResult => ({ botToken: token, botId: r.bot_id, botUserId: r.user_id, teamId: r.team_id }),
      (err: unknown) => {
        identity = undefined;
        throw err;
      },
    );
    return identity;
  };
}
