// What the dedupe claim endpoints answer (SPEC §8).

export class ClaimedView {
  claimed: boolean;
  /** Completes or releases the claim. */
  token: string;
}

export class CompletedClaimView {
  key: string;
  state: 'done';
  /** How long the key is remembered as done. */
  rememberedForSeconds: number;
}

export class ReleasedClaimView {
  key: string;
  state: 'released';
}
