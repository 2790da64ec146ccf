import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors, ApiPage } from '../common/http/answers';
import { ApiKeyView, CreatedApiKeyView } from './api-key.view';
import { Audited } from '../audit/audited.decorator';
import { PageQuery } from '../common/pagination';
import { ParseIdPipe } from '../common/validation/parse-uuid.pipe';
import { CreateApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('admin')
@ApiBearerAuth()
@ApiAuthErrors()
@Controller('v1/admin/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Creates a key; the token is in this response only. */
  @Post()
  @ApiAnswer(201, CreatedApiKeyView, { description: 'created, with its token' })
  @ApiErrors(400)
  @Audited({
    action: 'api-key.create',
    target: ({ body, result }) =>
      `api-key:${(result as { id?: string } | undefined)?.id ?? '-'} (${String(body?.name)}, ${String(body?.role)})`,
  })
  create(@Body() dto: CreateApiKeyDto) {
    return this.apiKeys.create(dto);
  }

  @Get()
  @ApiPage(ApiKeyView)
  @ApiErrors(400)
  list(@Query() query: PageQuery) {
    return this.apiKeys.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiAnswer(204, undefined, { description: 'revoked' })
  @ApiErrors(400, 404)
  @Audited({ action: 'api-key.revoke', target: ({ params }) => `api-key:${params.id}` })
  revoke(@Param('id', ParseIdPipe) id: string) {
    return this.apiKeys.revoke(id);
  }
}
