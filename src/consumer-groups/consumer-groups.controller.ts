import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { PageQuery } from '../common/pagination';
import { ParseNamePipe } from '../common/validation/names';
import { PutConsumerGroupDto } from './consumer-group.dto';
import { ConsumerGroupsService } from './consumer-groups.service';

@ApiTags('consumer-groups')
@ApiBearerAuth()
@Controller('v1/consumer-groups')
export class ConsumerGroupsController {
  constructor(private readonly groups: ConsumerGroupsService) {}

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
    return this.groups.get(principal, name);
  }

  @Delete(':group')
  @HttpCode(204)
  delete(@Param('group', ParseNamePipe) name: string) {
    return this.groups.delete(name);
  }
}
