import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors, ApiPage } from '../common/http/answers';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Upsert } from '../common/http/upsert';
import { PageQuery } from '../common/pagination';
import { ParseNamePipe } from '../common/validation/names';
import { PutProducerGroupDto } from './producer-group.dto';
import {
  CreatedProducerGroupView,
  ProducerGroupView,
  ProducerGroupWithHealthView,
  RotatedSecretView,
} from './producer-group.view';
import { ProducerGroupsService } from './producer-groups.service';

@ApiTags('producer-groups')
@ApiBearerAuth()
@ApiAuthErrors()
@Controller('v1/producer-groups')
export class ProducerGroupsController {
  constructor(private readonly producerGroups: ProducerGroupsService) {}

  /** Creates (201, with `secret`) or replaces the config (200) of a producer group. */
  @Upsert(':group')
  @ApiAnswer(200, ProducerGroupView, { description: 'replaced' })
  @ApiAnswer(201, CreatedProducerGroupView, { description: 'created, with its secret' })
  @ApiErrors(400)
  put(@Param('group', ParseNamePipe) name: string, @Body() dto: PutProducerGroupDto) {
    return this.producerGroups.put(name, dto);
  }

  @Get()
  @AllowRoles('operator')
  @ApiPage(ProducerGroupView)
  @ApiErrors(400)
  list(@Query() query: PageQuery) {
    return this.producerGroups.list(query);
  }

  /** Config plus check-back health; producers may read the groups they are granted. */
  @Get(':group')
  @AllowRoles('producer', 'operator')
  @ApiAnswer(200, ProducerGroupWithHealthView)
  @ApiErrors(400, 404)
  get(@Param('group', ParseNamePipe) name: string, @CurrentPrincipal() principal: Principal) {
    return this.producerGroups.get(principal, name);
  }

  @Post(':group/rotate-secret')
  @HttpCode(200)
  @ApiAnswer(200, RotatedSecretView)
  @ApiErrors(400, 404)
  rotateSecret(@Param('group', ParseNamePipe) name: string) {
    return this.producerGroups.rotateSecret(name);
  }
}
