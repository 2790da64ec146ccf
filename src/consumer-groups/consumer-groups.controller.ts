import { Body, Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors, ApiPage } from '../common/http/answers';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Upsert } from '../common/http/upsert';
import { PageQuery } from '../common/pagination';
import { ParseNamePipe } from '../common/validation/names';
import { PutConsumerGroupDto } from './consumer-group.dto';
import {
  ConsumerGroupView,
  ConsumerGroupWithStatsView,
  CreatedConsumerGroupView,
} from './consumer-group.view';
import { ConsumerGroupsService } from './consumer-groups.service';

@ApiTags('consumer-groups')
@ApiBearerAuth()
@ApiAuthErrors()
@Controller('v1/consumer-groups')
export class ConsumerGroupsController {
  constructor(private readonly consumerGroups: ConsumerGroupsService) {}

  /** Creates (201, with the push `secret`) or replaces the config (200) of a consumer group. */
  @Upsert(':group')
  @ApiAnswer(200, ConsumerGroupWithStatsView, { description: 'replaced' })
  @ApiAnswer(201, CreatedConsumerGroupView, { description: 'created, with its secret' })
  @ApiErrors(400, 404, 409)
  put(@Param('group', ParseNamePipe) name: string, @Body() dto: PutConsumerGroupDto) {
    return this.consumerGroups.put(name, dto);
  }

  @Get()
  @AllowRoles('operator')
  @ApiPage(ConsumerGroupView)
  @ApiErrors(400)
  list(@Query() query: PageQuery) {
    return this.consumerGroups.list(query);
  }

  /** Config plus delivery stats; consumers may read the groups they are granted. */
  @Get(':group')
  @AllowRoles('consumer', 'operator')
  @ApiAnswer(200, ConsumerGroupWithStatsView)
  @ApiErrors(400, 404)
  get(@Param('group', ParseNamePipe) name: string, @CurrentPrincipal() principal: Principal) {
    return this.consumerGroups.get(principal, name);
  }

  @Delete(':group')
  @HttpCode(204)
  @ApiAnswer(204, undefined, { description: 'deleted' })
  @ApiErrors(400, 404)
  delete(@Param('group', ParseNamePipe) name: string) {
    return this.consumerGroups.delete(name);
  }
}
