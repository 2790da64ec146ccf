import { Body, Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Upsert } from '../common/http/upsert';
import { PageQuery } from '../common/pagination';
import { ParseNamePipe } from '../common/validation/names';
import { PutConsumerGroupDto } from './consumer-group.dto';
import { ConsumerGroupsService } from './consumer-groups.service';

@ApiTags('consumer-groups')
@ApiBearerAuth()
@Controller('v1/consumer-groups')
export class ConsumerGroupsController {
  constructor(private readonly consumerGroups: ConsumerGroupsService) {}

  /** Creates (201, with the push `secret`) or replaces the config (200) of a consumer group. */
  @Upsert(':group')
  put(@Param('group', ParseNamePipe) name: string, @Body() dto: PutConsumerGroupDto) {
    return this.consumerGroups.put(name, dto);
  }

  @Get()
  @AllowRoles('operator')
  list(@Query() query: PageQuery) {
    return this.consumerGroups.list(query);
  }

  /** Config plus delivery stats; consumers may read the groups they are granted. */
  @Get(':group')
  @AllowRoles('consumer', 'operator')
  get(@Param('group', ParseNamePipe) name: string, @CurrentPrincipal() principal: Principal) {
    return this.consumerGroups.get(principal, name);
  }

  @Delete(':group')
  @HttpCode(204)
  delete(@Param('group', ParseNamePipe) name: string) {
    return this.consumerGroups.delete(name);
  }
}
