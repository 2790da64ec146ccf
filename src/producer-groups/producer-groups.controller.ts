import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { PageQuery } from '../common/pagination';
import { ParseNamePipe } from '../common/validation/names';
import { PutProducerGroupDto } from './producer-group.dto';
import { ProducerGroupsService } from './producer-groups.service';

@ApiTags('producer-groups')
@ApiBearerAuth()
@Controller('v1/producer-groups')
export class ProducerGroupsController {
  constructor(private readonly groups: ProducerGroupsService) {}

  /** Creates (201, with `secret`) or replaces the config (200) of a producer group. */
  @Put(':group')
  async put(
    @Param('group', ParseNamePipe) name: string,
    @Body() dto: PutProducerGroupDto,
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

  /** Config plus check-back health; producers may read the groups they are granted. */
  @Get(':group')
  @AllowRoles('producer', 'operator')
  get(@Param('group', ParseNamePipe) name: string, @CurrentPrincipal() principal: Principal) {
    return this.groups.get(principal, name);
  }

  @Post(':group/rotate-secret')
  @HttpCode(200)
  rotateSecret(@Param('group', ParseNamePipe) name: string) {
    return this.groups.rotateSecret(name);
  }
}
