import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Audited } from '../audit/audited.decorator';
import { PageQuery } from '../common/pagination';
import { ParseNamePipe } from '../common/validation/names';
import { PutConsumerGroupDto, RedriveDto, ReplayDto } from './consumer-group.dto';
import { ConsumerGroupsService } from './consumer-groups.service';
import { DeadLettersService } from './dead-letters.service';
import { ReplayService } from './replay.service';

@ApiTags('consumer-groups')
@ApiBearerAuth()
@Controller('v1/consumer-groups')
export class ConsumerGroupsController {
  constructor(
    private readonly groups: ConsumerGroupsService,
    private readonly deadLetters: DeadLettersService,
    private readonly replays: ReplayService,
  ) {}

  /** Creates (201, with the push `secret`) or replaces the config (200) of a consumer group. */
  @Put(':group')
  async put(
    @Param('group', ParseNamePipe) name: string,
    @Body() dto: PutConsumerGroupDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { group, created } = await this.groups.put(name, dto);
    reply.status(created ? 201 : 200);
    return group;
  }

  @Get()
  @AllowRoles('operator')
  list(@Query() query: PageQuery) {
    return this.groups.list(query);
  }

  /** Config plus delivery stats; consumers may read the groups they are granted. */
  @Get(':group')
  @AllowRoles('consumer', 'operator')
  get(@Param('group', ParseNamePipe) name: string, @CurrentPrincipal() principal: Principal) {
    principal.assertReadConsumerGroup(name);
    return this.groups.get(name);
  }

  @Delete(':group')
  @HttpCode(204)
  delete(@Param('group', ParseNamePipe) name: string) {
    return this.groups.delete(name);
  }

  @Get(':group/dead-letters')
  @AllowRoles('operator')
  listDeadLetters(@Param('group', ParseNamePipe) name: string, @Query() query: PageQuery) {
    return this.deadLetters.list(name, query);
  }

  @Post(':group/dead-letters/redrive')
  @HttpCode(200)
  @AllowRoles('operator')
  @Audited({
    action: 'dead-letters.redrive',
    target: ({ params, body }) =>
      `consumer-group:${params.group}${Array.isArray(body?.ids) ? ` ids:${body.ids.length}` : ' all'}`,
    count: (result) => (result as { redriven: number }).redriven,
  })
  redrive(@Param('group', ParseNamePipe) name: string, @Body() dto: RedriveDto) {
    return this.deadLetters.redrive(name, dto);
  }

  /** Delivers again every retained message committed since `from` → `{replayed: n}`. */
  @Post(':group/replay')
  @HttpCode(200)
  @AllowRoles('operator')
  @Audited({
    action: 'consumer-group.replay',
    target: ({ params, body }) => `consumer-group:${params.group} from:${String(body?.from)}`,
    count: (result) => (result as { replayed: number }).replayed,
  })
  replay(@Param('group', ParseNamePipe) name: string, @Body() dto: ReplayDto) {
    return this.replays.replay(name, dto);
  }
}
