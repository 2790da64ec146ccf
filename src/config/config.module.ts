import { DynamicModule, Global, Module } from '@nestjs/common';
import { OutboundPolicy } from '../common/http/outbound-policy';
import { AppConfig } from './app-config';

/** Makes the one validated AppConfig, and the outbound policy it defines, injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: OutboundPolicy, useValue: new OutboundPolicy(config.outboundDeny) },
      ],
      exports: [AppConfig, OutboundPolicy],
    };
  }
}
