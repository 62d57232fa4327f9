export { startInstance, type Instance } from '../../src/testing/instance.ts'
