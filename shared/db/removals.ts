// What "removed here" means wherever removed listings are looked up (seller and photo linking, share
// bundles): a takedown that is done, with an action that removes the listing (every approval does).
const REMOVAL_ACTIONS = ['remove_listing', 'warn_seller', 'suspend_seller'] as const;

/** SQL condition on a takedowns row aliased `t`. */
export const REMOVING_TAKEDOWN = `t.status = 'done' AND t.action IN (${REMOVAL_ACTIONS.map((a) => `'${a}'`).join(', ')})`;
