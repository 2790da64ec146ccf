// Entry point for the TypeORM CLI (`npm run migration:generate|revert`); needs DATABASE_URL.
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

if (!process.env.DATABASE_URL) {
  throw new Error('Set DATABASE_URL to run the TypeORM CLI (npm start prints the embedded one).');
}

export default new DataSource(dataSourceOptions(process.env.DATABASE_URL));
