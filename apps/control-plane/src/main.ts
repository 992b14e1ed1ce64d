import 'reflect-metadata';
import { exitOnStartFailure, serve } from './serve';

serve().catch(exitOnStartFailure);
