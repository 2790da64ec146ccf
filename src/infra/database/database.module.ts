import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { HotPath, mainPoolSize } from './hot-path';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(
          config.databaseUrl as string,
          mainPoolSize(config.dbPoolSize),
          config.dbTimeouts,
        ),
        autoLoadEntities: true,
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [HotPath],
  exports: [HotPath],
})
export class DatabaseModule {}
