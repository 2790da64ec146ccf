// Builds the HTTP application: Fastify adapter, global filter and pipe, metrics, OpenAPI docs, dashboard.
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { serveDashboard } from './admin/dashboard/dashboard-assets';
import { AppModule } from './app.module';
import { ApiError, ErrorCode, errorBody } from './common/errors/api-error';
import { ApiExceptionFilter } from './common/errors/api-exception.filter';
import { onClientError, onFrameworkError } from './common/http/framework-errors';
import { parseJsonOnly } from './common/http/json-body';
import { newId } from './common/ids';
import { apiValidationPipe } from './common/validation/api-validation.pipe';
import type { AppConfig } from './config/app-config';
import { instrumentHttp } from './observability/metrics';

export async function createHttpApp(
  config: AppConfig,
  logger: LoggerService,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.maxBodyBytes,
    logger: false,
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
    // Our own ids, never a caller's: they tie a 500's answer to its log line.
    requestIdHeader: false,
    genReqId: () => newId(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger,
    bufferLogs: true,
    // Nest would add JSON and form-encoded parsers; parseJsonOnly registers the one we accept.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  parseJsonOnly(fastify, config.maxBodyBytes);
  // Set on arrival, so every answer carries it (a synchronous hook costs no promise per request).
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  if (!config.hasRole('api')) {
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!request.url.startsWith('/v1/')) return done();
      const error = new ApiError(ErrorCode.Unavailable, 'this instance does not serve the API (TXMSG_ROLES)');
      void reply.status(error.status).send(errorBody(error));
    });
  }
  instrumentHttp(fastify);
  serveDashboard(app);
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalPipes(apiValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('txmsg')
      .setDescription('Transactional messaging: half messages, check-back, topics, consumer groups, delivery')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
