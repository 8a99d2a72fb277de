/** monaco-yaml's language worker, bundled by Vite from the package (never fetched from elsewhere). */
import 'monaco-yaml/yaml.worker.js';
