export class ReplayedView {
  /** Deliveries made ready again. */
  replayed: number;
}
