import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Upsert } from '../common/http/upsert';
import { PageQuery } from '../common/pagination';
import { ParseNamePipe } from '../common/validation/names';
import { PutProducerGroupDto } from './producer-group.dto';
import { ProducerGroupsService } from './producer-groups.service';

@ApiTags('producer-groups')
@ApiBearerAuth()
@Controller('v1/producer-groups')
export class ProducerGroupsController {
  constructor(private readonly producerGroups: ProducerGroupsService) {}

  /** Creates (201, with `secret`) or replaces the config (200) of a producer group. */
  @Upsert(':group')
  put(@Param('group', ParseNamePipe) name: string, @Body() dto: PutProducerGroupDto) {
    return this.producerGroups.put(name, dto);
  }

  @Get()
  @AllowRoles('operator')
  list(@Query() query: PageQuery) {
    return this.producerGroups.list(query);
  }

  /** Config plus check-back health; producers may read the groups they are granted. */
  @Get(':group')
  @AllowRoles('producer', 'operator')
  get(@Param('group', ParseNamePipe) name: string, @CurrentPrincipal() principal: Principal) {
    return this.producerGroups.get(principal, name);
  }

  @Post(':group/rotate-secret')
  @HttpCode(200)
  rotateSecret(@Param('group', ParseNamePipe) name: string) {
    return this.producerGroups.rotateSecret(name);
  }
}
