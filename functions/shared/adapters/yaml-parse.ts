/**
 * The one function of the `yaml` package we use, in a module of its own so that yamlParserFor can
 * load it with import() (an import() of the package itself would keep all of it in the bundle).
 */
export { parse } from 'yaml';
