import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'producer_groups' })
export class ProducerGroup {
  @PrimaryColumn('text') name: string;
  @Column('text', { name: 'checkback_url' }) checkbackUrl: string;
  @Column('int', { name: 'checkback_timeout_ms' }) checkbackTimeoutMs: number;
  @Column('int', { name: 'check_immunity_seconds' }) checkImmunitySeconds: number;
  @Column('int', { name: 'check_interval_seconds' }) checkIntervalSeconds: number;
  @Column('int', { name: 'max_check_interval_seconds' }) maxCheckIntervalSeconds: number;
  @Column('int', { name: 'max_checks' }) maxChecks: number;
  @Column('text') secret: string;
  @Column('text', { name: 'previous_secret', nullable: true }) previousSecret: string | null;
  @Column('timestamptz', { name: 'previous_secret_expires_at', nullable: true })
  previousSecretExpiresAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;

  /** Secrets to sign with now: the current one, plus the previous one for 24 h after a rotation. */
  signingSecrets(now = new Date()): string[] {
    const previousValid =
      this.previousSecret && this.previousSecretExpiresAt && this.previousSecretExpiresAt > now;
    return previousValid ? [this.secret, this.previousSecret as string] : [this.secret];
  }
}
