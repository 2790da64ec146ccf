import { Body, Controller, Get, Param, type PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors } from '../../common/http/answers';
import { TopicSchemaListView, TopicSchemaView } from './topic-schema.view';
import { AllowRoles } from '../../auth/auth.decorators';
import { ApiError } from '../../common/errors/api-error';
import { Upsert } from '../../common/http/upsert';
import { ParseNamePipe } from '../../common/validation/names';
import { PutTopicSchemaDto } from './topic-schema.dto';
import { TopicSchemasService } from './topic-schemas.service';

/** A schema version in the path: a positive integer. */
class ParseVersionPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const version = /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
    if (!(version <= 2_147_483_647)) {
      throw ApiError.validation('version must be a positive integer', [
        { field: 'version', message: 'must be a positive integer' },
      ]);
    }
    return version;
  }
}

@ApiTags('topics')
@ApiBearerAuth()
@ApiAuthErrors()
@Controller('v1/topics/:topic/schemas')
export class TopicSchemasController {
  constructor(private readonly schemas: TopicSchemasService) {}

  /** Stores an immutable schema version (201; 200 when the same schema is there; 409 when another is). Admins only. */
  @Upsert(':version')
  @ApiAnswer(200, TopicSchemaView, { description: 'the same schema was there' })
  @ApiAnswer(201, TopicSchemaView, { description: 'created' })
  @ApiErrors(400, 404, 409)
  put(
    @Param('topic', ParseNamePipe) topic: string,
    @Param('version', ParseVersionPipe) version: number,
    @Body() dto: PutTopicSchemaDto,
  ) {
    return this.schemas.put(topic, version, dto);
  }

  /** The topic's schema versions, its current version and compatibility mode. */
  @Get()
  @AllowRoles('producer', 'consumer', 'operator')
  @ApiAnswer(200, TopicSchemaListView)
  @ApiErrors(400, 404)
  list(@Param('topic', ParseNamePipe) topic: string) {
    return this.schemas.list(topic);
  }
}
