import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'topics' })
export class Topic {
  @PrimaryColumn('text') name: string;
  @Column('text') description: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
