import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { PageQuery } from '../common/pagination';
import { ParseIdPipe } from '../common/validation/parse-uuid.pipe';
import { CreateApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Creates a key; the token is in this response only. */
  @Post()
  @Audited({
    action: 'api-key.create',
    target: ({ body, result }) =>
      `api-key:${(result as { id?: string } | undefined)?.id ?? '-'} (${String(body?.name)}, ${String(body?.role)})`,
  })
  create(@Body() dto: CreateApiKeyDto) {
    return this.apiKeys.create(dto);
  }

  @Get()
  list(@Query() query: PageQuery) {
    return this.apiKeys.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @Audited({ action: 'api-key.revoke', target: ({ params }) => `api-key:${params.id}` })
  revoke(@Param('id', ParseIdPipe) id: string) {
    return this.apiKeys.revoke(id);
  }
}
