// Replay (SPEC §7): a group receives again every retained message committed since a point in
// time, attempts counted from 1 — e.g. after a consumer lost data, or to backfill a new group.
import { Injectable } from '@nestjs/common';
import type { ReplayDto } from './replay.dto';
import { ConsumerGroupsService } from '../../consumer-groups/consumer-groups.service';
import { DispatchService } from '../dispatch/dispatch.service';
import { ReplayRepository } from './replay.repository';

const BATCH = 1000;

@Injectable()
export class ReplayService {
  constructor(
    private readonly groups: ConsumerGroupsService,
    private readonly replays: ReplayRepository,
    private readonly dispatch: DispatchService,
  ) {}

  async replay(group: string, dto: ReplayDto): Promise<{ replayed: number }> {
    await this.groups.require(group);
    let replayed = 0;
    let afterSeq = '0';
    for (;;) {
      const page = await this.replays.page(group, dto.from, afterSeq, BATCH);
      if (page.length === 0) break;
      const queued = await this.replays.replay(
        group,
        page.map((message) => message.id),
        dto.from,
      );
      await this.dispatch.handOver(queued);
      replayed += queued.length;
      afterSeq = page[page.length - 1].commitSeq;
    }
    return { replayed };
  }
}
